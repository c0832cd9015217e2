// The checks behind `npm run verify`: from pods to a private transaction, each with a time limit
// and, on failure, what to look at. Prints no key material: only counts, hashes and addresses.
import { Kube } from "../kubernetes/kubectl";
import { blockRhythmCheck } from "./checks/blockRhythm";
import { peersCheck } from "./checks/peers";
import { podsCheck } from "./checks/pods";
import { privateTransactionCheck } from "./checks/privateTransaction";
import { racecourseCheck } from "./checks/racecourse";
import { raftCheck } from "./checks/raft";
import { transactionCheck } from "./checks/transaction";
import { upcheckCheck } from "./checks/upcheck";
import { validatorsCheck } from "./checks/validators";
import { Check, CheckFailed, VerifyContext, VerifyOptions, VerifyTarget } from "./context";

export { VerifyOptions, VerifyTarget } from "./context";

/** In order: each check relies on the ones before it (the RPC forwards, the peers). */
export function checksFor(target: VerifyTarget): Check[] {
    const consensus = target.consensus.kind === "raft" ? [raftCheck(target.nodeCount)] : [validatorsCheck(target.consensus.validators), blockRhythmCheck(target.consensus.blockPeriod)];
    // racecourse false: no app, no URL.
    const app = target.racecourseUrl ? [racecourseCheck] : [];
    return [podsCheck, upcheckCheck, peersCheck(target.nodeCount), ...consensus, transactionCheck, privateTransactionCheck, ...app];
}

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
