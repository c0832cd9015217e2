// Waiting for a running network to reach a state: one loop with a deadline, and a failure that
// says what was awaited and the last reason it was not there yet.

export interface PollOptions {
    timeoutMs: number;
    intervalMs: number;
    /** An error that retrying cannot mend: thrown at once instead of retried. */
    isFinal?: (error: unknown) => boolean;
    /** Each wait between attempts, with the reason the last attempt gave (an error's message), if any. */
    onWait?: (attempt: number, lastError: string | undefined) => void;
    /** The error to fail with at the deadline, in the caller's words; PollTimeout otherwise. */
    onTimeout?: (timeout: PollTimeout) => Error | Promise<Error>;
}

/** The deadline passed: `awaited` was not seen, `lastError` is the last attempt's reason. */
export class PollTimeout extends Error {
    constructor(
        readonly awaited: string,
        readonly lastError: string | undefined,
        readonly timeoutMs: number,
    ) {
        super(`${awaited}: not within ${Math.round(timeoutMs / 1000)} s${lastError ? ` (last: ${lastError})` : ""}`);
    }
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * Calls `attempt` until it returns something other than undefined; an error it throws is a "not
 * yet" (remembered as the last reason) unless `isFinal` says otherwise. Fails with PollTimeout.
 */
export async function pollUntil<T>(
    awaited: string,
    attempt: () => Promise<T | undefined>,
    options: PollOptions,
): Promise<T> {
    const deadline = Date.now() + options.timeoutMs;
    let lastError: string | undefined;
    for (let attemptNumber = 1; ; attemptNumber++) {
        try {
            const result = await attempt();
            if (result !== undefined) return result;
        } catch (error) {
            if (options.isFinal?.(error)) throw error;
            lastError = error instanceof Error ? error.message : String(error);
        }
        if (Date.now() >= deadline) {
            const timeout = new PollTimeout(awaited, lastError, options.timeoutMs);
            throw options.onTimeout ? await options.onTimeout(timeout) : timeout;
        }
        options.onWait?.(attemptNumber, lastError);
        await sleep(options.intervalMs);
    }
}
