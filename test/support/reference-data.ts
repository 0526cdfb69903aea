// Reference data kept in this repository, each file with its source, date and licence beside it.
import { fileURLToPath } from 'node:url';

/** BerriAI/litellm's price list, an excerpt (MIT; see test/fixtures/litellm/README.md). */
export const LITELLM_SAMPLE = fileURLToPath(new URL('../fixtures/litellm/litellm-prices-sample.json', import.meta.url));
