/**
 * Pricing-model fit: would another plan have been cheaper for the same traffic
 * (shadow plans)? How is the cost of a call distributed, and how much of the
 * spend do the largest calls pay (who subsidises whom)?
 */
import type { DashboardBuilder } from '@grafana/grafana-foundation-sdk/dashboard';
import { COST_BUCKETS } from '../../telemetry/call-metrics.js';
import { CONVERSATION_UNIT, PROMETHEUS_SERIES as S } from '../../semconv.js';
import {
  LABEL,
  RANGE,
  RATE_INTERVAL,
  Selectors,
  UNIT,
  assembleDashboard,
  barGaugePanel,
  eq,
  heatmapPanel,
  statPanel,
  histogram,
  tablePanel,
  timeseriesPanel,
  type FilterSet,
  type Row,
} from './common.js';
import { DASHBOARDS } from './refs.js';

// Cost distributions are in one currency at a time: buckets of different currencies never add.
const FILTERS: FilterSet = { job: 'multi', provider: 'multi', model: 'multi', tier: 'multi', currency: 'single' };

/** The cost boundaries the "largest calls" table asks about: the powers of ten among the histogram's buckets, $0.001 to $1. */
export const LARGE_CALL_BOUNDARIES = COST_BUCKETS.filter((b) => b >= 0.001 && b <= 1 && Number.isInteger(Math.log10(b)));

/**
 * A matcher for the bucket whose upper bound is `bound`, as the OpenTelemetry exporter writes it
 * (`String(bound)`) and as Prometheus 3 normalises whole numbers (`1` → `1.0`).
 */
function bucketMatcher(bound: number): string {
  const text = String(bound);
  if (/e/i.test(text)) throw new RangeError(`bucket bound ${bound} has no plain decimal spelling`);
  return Number.isInteger(bound) ? `le=~"${text}(\\\\.0)?"` : `le="${text}"`;
}

/**
 * Cost per conversation: the ai_conversation_cost histogram of finished conversations, actual and
 * under each shadow plan (label ai_pricing_shadow_plan, empty for the actual price), with calls and
 * duration per conversation, and the health of the table that tracks conversations in progress.
 */
export function conversationRows(sel: Selectors): Row[] {
  const C = LABEL.currency;
  const SP = LABEL.shadowPlan;
  const conversation = eq(LABEL.workUnit, CONVERSATION_UNIT);
  const cost = histogram(S.conversationCost);
  const requests = histogram(S.conversationRequests);
  const duration = histogram(S.conversationDuration);
  const actualOnly = eq(SP, '');
  /** Names the actual price `actual` where the shadow-plan label is empty, for legends. */
  const scenario = (expr: string) => `label_replace(${expr}, "${SP}", "actual", "${SP}", "")`;
  const costQuantile = (q: number) => ({
    expr: scenario(`histogram_quantile(${q}, sum by (le, ${C}, ${SP}) (rate(${sel.of(cost.bucket, conversation)}[${RATE_INTERVAL}])))`),
    legend: `{{${C}}} p${q * 100} {{${SP}}}`,
  });
  return [
    {
      title: 'Cost per conversation ($currency)',
      panels: [
        heatmapPanel({
          title: 'Cost per finished conversation ($currency)',
          description:
            'Distribution of what one conversation cost, at actual prices, as conversations finish (idle for workUnits.idleTimeoutMs, ' +
            'evicted, or flushed at shutdown). Each column is a time slice, darker cells hold more conversations. ' +
            'A band moving up is conversations getting dearer: longer histories, more turns, a pricier model.',
          unit: UNIT.count,
          log: true,
          queries: [
            {
              expr: `sum by (le) (increase(${sel.of(cost.bucket, conversation, actualOnly)}[${RATE_INTERVAL}]))`,
              legend: '{{le}}',
              format: 'heatmap',
            },
          ],
        }),
        timeseriesPanel({
          title: 'Cost per conversation percentiles, actual and under shadow plans',
          description:
            'Median and 90th percentile of the cost of a conversation at actual prices ' +
            '(actual) and if the calls priced under plans with shadow plans had been priced under them instead. ' +
            'Where a shadow line sits below the actual one for the typical conversation but above it for the 90th percentile, ' +
            'the alternative plan is cheaper for short conversations and dearer for long ones.',
          unit: UNIT.money,
          dashed: ' p\\d+ (?!actual)',
          queries: [costQuantile(0.5), costQuantile(0.9)],
        }),
        timeseriesPanel({
          title: 'Mean cost per conversation, actual and under shadow plans',
          description:
            'Total cost of the conversations finished in each time slice over their number: ' +
            'what an average conversation costs, at actual prices and under each shadow plan. ' +
            'The gap between the lines is what a switch of pricing model would change per conversation.',
          unit: UNIT.money,
          queries: [
            {
              expr: scenario(
                `sum by (${C}, ${SP}) (rate(${sel.of(cost.sum, conversation)}[${RATE_INTERVAL}])) ` +
                  `/ sum by (${C}, ${SP}) (rate(${sel.of(cost.count, conversation)}[${RATE_INTERVAL}]))`,
              ),
              legend: `{{${C}}} {{${SP}}}`,
            },
          ],
        }),
        timeseriesPanel({
          title: 'Calls and duration per conversation',
          description:
            'Mean and 90th percentile of the AI calls a conversation makes, and its median duration (first call to end of last) on the ' +
            'right-hand scale. More calls per conversation at the same cost per call is the usual reason a conversation gets dearer.',
          unit: UNIT.count,
          queries: [
            {
              expr:
                `sum(rate(${sel.of(requests.sum, conversation)}[${RATE_INTERVAL}])) / ` +
                `sum(rate(${sel.of(requests.count, conversation)}[${RATE_INTERVAL}]))`,
              legend: 'mean calls',
            },
            {
              expr: `histogram_quantile(0.9, sum by (le) (rate(${sel.of(requests.bucket, conversation)}[${RATE_INTERVAL}])))`,
              legend: 'p90 calls',
            },
            {
              expr: `histogram_quantile(0.5, sum by (le) (rate(${sel.of(duration.bucket, conversation)}[${RATE_INTERVAL}])))`,
              legend: 'median duration (s)',
            },
          ],
        }),
        statPanel({
          title: 'Conversations finished over the range',
          description:
            'Conversations recorded over the range (at actual prices). Zero while traffic flows means no call carries a conversation ' +
            'id: set gen_ai.conversation.id on the active span, in baggage, or configure workUnits.conversationHeader.',
          unit: UNIT.count,
          width: 4,
          queries: [
            { expr: `sum(increase(${sel.of(cost.count, conversation, actualOnly)}[${RANGE}]))`, legend: 'finished', instant: true },
          ],
        }),
        statPanel({
          title: 'Conversations in progress',
          description:
            'Conversations each process is tracking now, summed. ' +
            'It is bounded per process by workUnits.maxActive; at the bound the least recently used are finished early.',
          unit: UNIT.count,
          width: 4,
          queries: [{ expr: `sum(${sel.of(S.conversationsActive, conversation)})`, legend: 'in progress', instant: true }],
        }),
        statPanel({
          title: 'Conversations cut short (evicted) over the range',
          description:
            'Conversations finished early because the table of conversations in progress was full. Above zero, conversation costs are ' +
            'understated (each part is counted as its own conversation): raise workUnits.maxActive or lower workUnits.idleTimeoutMs.',
          unit: UNIT.count,
          width: 4,
          thresholds: [{ value: 1, color: 'orange' }],
          queries: [
            {
              expr: `sum(increase(${sel.of(S.conversationEvictions, conversation)}[${RANGE}])) or vector(0)`,
              legend: 'evicted',
              instant: true,
            },
          ],
        }),
      ],
    },
  ];
}

export function pricingFitDashboard(): DashboardBuilder {
  const sel = new Selectors(FILTERS);
  // Shadow prices are kept per plan, not per provider, model or tier: compare like with like.
  const byPlan = sel.without('provider', 'model', 'tier');
  const C = LABEL.currency;
  const P = LABEL.plan;
  const SP = LABEL.shadowPlan;
  const actual = byPlan.of(S.cost);
  const shadow = byPlan.of(S.costShadow);
  const shadowed = `group by (${P}) (${shadow})`;
  const cost = histogram(S.requestCost);
  const calls = `sum(increase(${sel.of(cost.count)}[${RANGE}]))`;
  const callsAtMost = (bound: number) => `sum(increase(${sel.of(cost.bucket, bucketMatcher(bound))}[${RANGE}]))`;
  /** One labelled series per boundary: `above="0.01"`. */
  const perBoundary = (expr: (bound: number) => string) =>
    LARGE_CALL_BOUNDARIES.map((b) => `label_replace(${expr(b)}, "above", "${b}", "", "")`).join(' or ');
  const quantile = (q: number) => ({
    expr: `histogram_quantile(${q}, sum by (le, ${P}) (rate(${sel.of(cost.bucket)}[${RATE_INTERVAL}])))`,
    legend: `{{${P}}} p${q * 100}`,
  });

  return assembleDashboard({
    ref: DASHBOARDS.pricingFit,
    description:
      'Pricing-model fit: the same traffic priced under alternative plans (shadow plans), the distribution of cost per call, ' +
      'and how much of the spend the largest calls pay.',
    filters: FILTERS,
    from: 'now-7d',
    rows: [
      {
        title: 'Would another plan be cheaper? ($currency)',
        panels: [
          timeseriesPanel({
            title: 'Actual against shadow-plan cost per hour',
            description:
              'For plans with shadow plans configured (shadowPlans, PRICETAG_SHADOW_PLANS): ' +
              'what the calls cost (solid) and what the same successful calls would have cost under each alternative plan (dashed). ' +
              'A dashed line below the solid one is money left on the table.',
            unit: UNIT.money,
            width: 12,
            dashed: ' as ',
            queries: [
              {
                expr: `sum by (${C}, ${P}) (rate(${actual}[${RATE_INTERVAL}])) * 3600 and on (${P}) ${shadowed}`,
                legend: `{{${C}}} {{${P}}} actual`,
              },
              { expr: `sum by (${C}, ${P}, ${SP}) (rate(${shadow}[${RATE_INTERVAL}])) * 3600`, legend: `{{${C}}} {{${P}}} as {{${SP}}}` },
            ],
          }),
          barGaugePanel({
            title: 'Shadow-plan cost as a share of actual, over the range',
            description:
              'What each alternative plan would have charged for the same calls over the range, as a share of what they cost. ' +
              'Below 100% (green) the alternative is cheaper for this traffic; above, the current plan fits better.',
            unit: UNIT.share,
            width: 6,
            thresholds: [{ value: 1, color: 'text' }],
            queries: [
              {
                expr:
                  `sum by (${C}, ${P}, ${SP}) (increase(${shadow}[${RANGE}])) ` +
                  `/ on (${C}, ${P}) group_left sum by (${C}, ${P}) (increase(${actual}[${RANGE}]))`,
                legend: `{{${P}}} → {{${SP}}}`,
                instant: true,
              },
            ],
          }),
          barGaugePanel({
            title: 'Saving with the shadow plan, over the range',
            description:
              'Actual cost minus what the alternative plan would have charged for the same calls over the range. ' +
              'Positive: the alternative would have saved that much; negative: it would have cost more.',
            unit: UNIT.money,
            width: 6,
            queries: [
              {
                expr:
                  `sum by (${C}, ${P}) (increase(${actual}[${RANGE}])) ` +
                  `- on (${C}, ${P}) group_right sum by (${C}, ${P}, ${SP}) (increase(${shadow}[${RANGE}]))`,
                legend: `{{${C}}} {{${P}}} → {{${SP}}}`,
                instant: true,
              },
            ],
          }),
        ],
      },
      {
        title: 'Who pays? Cost per call ($currency)',
        panels: [
          heatmapPanel({
            title: 'Cost per call ($currency)',
            description:
              'Distribution of the cost of successful calls (ai_request_cost buckets, in $currency): each column is a time slice, ' +
              'darker cells hold more calls. Two bands mean two kinds of call; a band moving up is calls getting dearer.',
            unit: UNIT.count,
            log: true,
            queries: [{ expr: `sum by (le) (increase(${sel.of(cost.bucket)}[${RATE_INTERVAL}]))`, legend: '{{le}}', format: 'heatmap' }],
          }),
          timeseriesPanel({
            title: 'Cost per call percentiles by plan ($currency)',
            description:
              'Median, 90th and 99th percentile of the cost of a call under each plan, in $currency, ' +
              'estimated from the histogram buckets (so only as fine as the buckets). ' +
              'A wide gap between p50 and p99 means a few calls cost far more than the typical one.',
            unit: UNIT.count,
            queries: [quantile(0.5), quantile(0.9), quantile(0.99)],
          }),
          tablePanel({
            title: 'Share of spend paid by the largest calls ($currency)',
            description:
              'For each cost boundary (in $currency): the share of calls over the range that cost more, and the share of spend those ' +
              'calls paid at the least (each counted at the boundary, the histogram cannot tell more). A few percent of calls paying ' +
              'most of the spend is a flat per-call price subsidising them, or a per-token price worth a look.',
            unit: UNIT.share,
            queries: [
              { expr: perBoundary((b) => `(1 - ${callsAtMost(b)} / ${calls})`), format: 'table', instant: true },
              {
                expr: perBoundary((b) => `((${calls} - ${callsAtMost(b)}) * ${b} / sum(increase(${sel.of(cost.sum)}[${RANGE}])))`),
                format: 'table',
                instant: true,
              },
            ],
            columns: { above: 'Calls costing more than', 'Value #A': 'Share of calls', 'Value #B': 'Share of spend (at least)' },
          }),
          timeseriesPanel({
            title: 'Mean over median cost per call by plan ($currency)',
            description:
              'Average cost of a call divided by the median one, per plan. Near 1 calls cost about the same; ' +
              'well above 1 a minority of large calls pulls the average up: who subsidises whom under a flat price.',
            unit: UNIT.times,
            queries: [
              {
                expr:
                  `(sum by (${P}) (rate(${sel.of(cost.sum)}[${RATE_INTERVAL}])) ` +
                  `/ sum by (${P}) (rate(${sel.of(cost.count)}[${RATE_INTERVAL}]))) ` +
                  `/ ${quantile(0.5).expr}`,
                legend: `{{${P}}}`,
              },
            ],
          }),
        ],
      },
      ...conversationRows(sel.without('model', 'tier')),
    ],
  });
}
