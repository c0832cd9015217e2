// Which checks prove this network works, in order: each relies on the ones before it (the RPC
// forwards, the peers).
import { blockRhythmCheck } from "./blockRhythmCheck";
import { peersCheck } from "./peersCheck";
import { podsCheck } from "./podsCheck";
import { privateTransactionCheck } from "./privateTransactionCheck";
import { racecourseCheck } from "./racecourseCheck";
import { raftCheck } from "./raftCheck";
import { transactionCheck } from "./transactionCheck";
import { upcheckCheck } from "./upcheckCheck";
import { validatorsCheck } from "./validatorsCheck";
import { Check, VerifyTarget } from "./observe";

export function checksFor(target: VerifyTarget): Check[] {
    const consensus =
        target.consensus.kind === "raft"
            ? [raftCheck(target.nodeCount)]
            : [validatorsCheck(target.consensus.validators), blockRhythmCheck(target.consensus.blockPeriod)];
    // racecourse false: no app, no URL.
    const app = target.racecourseUrl ? [racecourseCheck] : [];
    return [
        podsCheck,
        upcheckCheck,
        peersCheck(target.nodeCount),
        ...consensus,
        transactionCheck,
        privateTransactionCheck,
        ...app,
    ];
}
