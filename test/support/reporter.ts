// mocha's spec output, closed by a plain "N passed, N failed, N skipped" line that CI can read.
import * as Mocha from "mocha";

class SpecWithSummary extends Mocha.reporters.Spec {
    constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
        super(runner, options);
        runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
            const { passes, failures, pending } = this.stats;
            console.log(`${passes} passed, ${failures} failed, ${pending} skipped`);
        });
    }
}

export = SpecWithSummary;
