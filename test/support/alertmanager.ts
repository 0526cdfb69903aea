// Real Alertmanager with a webhook receiver for tests: the demo stack's parts.
export * from '../../examples/demo/alertmanager.js';
