// npm run bench keeps running the program as it is: every check the program makes has a canned
// answer there, so a new check fails this test instead of the user's bench.
import { strict as assert } from "assert";
import { benchEvaluation, cannedCheckAnswer } from "../scripts/bench";

describe("npm run bench (scripts/bench.ts)", function () {
    this.timeout(60_000);

    it("evaluates the program for a small network and prints its resources, time and longest chain", async () => {
        const lines: string[] = [];
        await benchEvaluation([3], (line) => lines.push(line));
        assert.equal(lines[0], "nodes  resources  evaluation  longest dependency chain");
        assert.match(lines[1], /^ {4}3 +\d+ +\d+\.\d\d s +\d+$/);
    });

    it("refuses a check it has no answer for, naming it", () => {
        assert.throws(
            () => cannedCheckAnswer("bash scripts/new-check.sh"),
            /no canned answer for the check 'bash scripts\/new-check\.sh'/,
        );
    });
});
