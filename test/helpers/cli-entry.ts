// Runs the CLI from source (tests spawn this with `node --import tsx`), as bin/mermap-lab.js
// runs the build.
import { main } from '../../src/cli/main.js';

await main(process.argv.slice(2));
