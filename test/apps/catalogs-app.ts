// Builds a PricetagInstrumentation (not enabled: nothing to capture) from the catalogs in CATALOGS
// (a JSON array of paths) or, when it is unset, from PRICETAG_CATALOGS; prints every diag line,
// then one `result` line of JSON: the catalogs left out, those in use, and the price of one
// request under RESULT_PLAN.
import { diag, DiagLogLevel } from '@opentelemetry/api';
import { PricetagInstrumentation } from '../../src/instrumentation.js';
import { formatDecimal } from '../../src/pricing/decimal.js';

const say =
  (level: string) =>
  (...args: unknown[]) =>
    void process.stdout.write(`diag ${level} ${args.join(' ')}\n`);
diag.setLogger(
  { error: say('error'), warn: say('warn'), info: say('info'), debug: say('debug'), verbose: say('verbose') },
  DiagLogLevel.WARN,
);

const catalogs = process.env.CATALOGS === undefined ? undefined : (JSON.parse(process.env.CATALOGS) as string[]);
const instrumentation = new PricetagInstrumentation({ enabled: false, ...(catalogs === undefined ? {} : { catalogs }) });
const priced = instrumentation.pricer.priceWithPlan(process.env.RESULT_PLAN!, { requests: 1 });
process.stdout.write(
  `result ${JSON.stringify({
    invalid: instrumentation.invalidCatalogs,
    labels: instrumentation.catalogLabels,
    cost: priced.priced ? formatDecimal(priced.cost) : null,
  })}\n`,
);
