// Real Prometheus for tests: the demo stack's launcher (examples/demo/prometheus.ts).
export * from '../../examples/demo/prometheus.js';
