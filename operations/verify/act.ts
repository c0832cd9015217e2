// Running the checks behind `npm run verify`: from pods to a private transaction, each with a time
// limit and, on failure, what to look at. Prints no key material: only counts, hashes and addresses.
import { Kube } from "../../lib/kubernetes/kubectl";
import { CheckFailed, VerifyContext, VerifyOptions, VerifyTarget } from "./observe";
import { checksFor } from "./plan";

/** Runs the checks in order and stops at the first failure; true when all passed. */
export async function verifyNetwork(target: VerifyTarget, kube: Kube, options: VerifyOptions): Promise<boolean> {
    const context = new VerifyContext(target, kube, options);
    try {
        for (const check of checksFor(target)) {
            try {
                options.log(`✔ ${check.name}: ${await check.run(context)}`);
            } catch (error) {
                const lookAt = error instanceof CheckFailed ? error.lookAt : "the message above";
                options.log(`✘ ${check.name}: ${(error as Error).message}`);
                options.log(`  look at: ${lookAt}`);
                return false;
            }
        }
        return true;
    } finally {
        context.close();
    }
}
