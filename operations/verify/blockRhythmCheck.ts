import { Check, CheckFailed, VerifyContext } from "./observe";

/**
 * Enough intervals that one round change among them (common right after a BFT network forms: a
 * proposer whose peers are not connected yet waits out the request timeout) cannot decide the
 * verdict: the median interval must be within twice the block period.
 */
const INTERVALS = 8;

export function blockRhythmCheck(blockPeriod: number): Check {
    return {
        name: `blocks keep coming about every ${blockPeriod} s`,
        async run(context) {
            const start = Number(await context.rpc<string>(1, "eth_blockNumber"));
            // The usual limit, plus the blocks' own time.
            const waitMs = context.options.checkTimeoutMs + INTERVALS * blockPeriod * 1000;
            const height = await context.poll(
                async () => {
                    const now = Number(await context.rpc<string>(1, "eth_blockNumber"));
                    if (now < start + INTERVALS + 1)
                        throw new Error(
                            `node 1 is at block ${now}, ${start + INTERVALS + 1 - now} short of ${INTERVALS} new intervals`,
                        );
                    return now;
                },
                `${context.gethLog()} (are more than 2/3 of the validators up?)`,
                waitMs,
            );
            const intervals = await blockIntervals(context, height - INTERVALS, height);
            const sorted = intervals.map(({ seconds }) => seconds).sort((a, b) => a - b);
            const median = (sorted[INTERVALS / 2 - 1] + sorted[INTERVALS / 2]) / 2;
            const slow = intervals
                .filter(({ seconds }) => seconds > 2 * blockPeriod)
                .map(({ from, seconds }) => `${from}→${from + 1} ${seconds} s`);
            if (median > 2 * blockPeriod) {
                throw new CheckFailed(
                    `a block every ${median} s (median of ${INTERVALS}), more than twice the block period; slow: ${slow.join(", ")}`,
                    `${context.gethLog()}; roundChangeTimer and the validators' CPU`,
                );
            }
            return `block ${height}, one every ${median} s${slow.length > 0 ? ` (rode out ${slow.join(", ")})` : ""}`;
        },
    };
}

async function blockIntervals(
    context: VerifyContext,
    from: number,
    to: number,
): Promise<{ from: number; seconds: number }[]> {
    const blocks = Array.from({ length: to - from + 1 }, (_, i) => from + i);
    const stamps = await Promise.all(
        blocks.map(async (block) =>
            Number(
                (
                    await context.rpc<{ timestamp: string }>(1, "eth_getBlockByNumber", [
                        `0x${block.toString(16)}`,
                        false,
                    ])
                ).timestamp,
            ),
        ),
    );
    return blocks.slice(0, -1).map((block, i) => ({ from: block, seconds: stamps[i + 1] - stamps[i] }));
}
