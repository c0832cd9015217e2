// The racecourse page in a real browser, reached as the README has a user reach it: `npm run
// connect` keeps a port-forward to it open, and Debian's Chromium, driven headless by
// playwright-core (no browser download), opens the page, sees every node's height grow, sends a
// transaction from the page and sees it mined on every node. The screenshot is kept.
import { ChildProcess, spawn } from "child_process";
import * as fs from "fs";
import * as path from "path";
import { chromium, Locator } from "playwright-core";
import { E2eFailure, expect } from "./harness";
import { PROJECT } from "./stack";

const ROOT = path.resolve(__dirname, "../..");
/** Where the e2e keeps what outlives its run folder. */
export const ARTIFACTS = process.env.KALEIDO_E2E_ARTIFACTS ?? path.join(ROOT, "test/e2e/output");
const CHROMIUM = process.env.CHROMIUM ?? "/usr/bin/chromium";
/** As the machine's notes run Chromium as root on a closed network: no sandbox, no background calls. */
const CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
];
/** Local ports of their own, beside whatever a developer's own `npm run connect` holds. */
const PORTS = { rpc: "18545", ws: "18546", app: "13000" };

/** `npm run connect` for the stack; resolves with the racecourse URL it printed. */
function connect(stack: string): Promise<{ child: ChildProcess; url: string }> {
    const child = spawn(
        "npm",
        [
            "run",
            "-s",
            "connect",
            "--",
            "--stack",
            stack,
            "--rpc-port",
            PORTS.rpc,
            "--ws-port",
            PORTS.ws,
            "--app-port",
            PORTS.app,
        ],
        { cwd: PROJECT, stdio: ["ignore", "pipe", "pipe"], detached: true },
    );
    let printed = "";
    return new Promise((resolve, reject) => {
        const timer = setTimeout(
            () => reject(new Error(`npm run connect printed no racecourse URL within 60 s:\n${printed}`)),
            60_000,
        );
        const read = (chunk: Buffer) => {
            printed += chunk.toString();
            const url = /racecourse +(http:\/\/127\.0\.0\.1:\d+\/)/.exec(printed)?.[1];
            if (url) {
                clearTimeout(timer);
                process.stdout.write(`e2e: npm run connect printed:\n${printed}`);
                resolve({ child, url });
            }
        };
        child.stdout!.on("data", read);
        child.stderr!.on("data", read);
        child.on("exit", () => reject(new Error(`npm run connect ended:\n${printed}`)));
    });
}

/**
 * Polls the page through locators, as a user would look again: the page's Content-Security-Policy
 * refuses the string code a page-side predicate would need.
 */
async function pollPage(what: string, seconds: number, probe: () => Promise<boolean>): Promise<void> {
    const deadline = Date.now() + seconds * 1000;
    while (!(await probe())) {
        if (Date.now() > deadline) throw new E2eFailure(`${what}: not seen within ${seconds} s`);
        await new Promise((resolve) => setTimeout(resolve, 500));
    }
}

/** One attribute of every element the locator finds, in order. */
async function attributes(locator: Locator, name: string): Promise<string[]> {
    const count = await locator.count();
    return Promise.all(Array.from({ length: count }, async (_, i) => (await locator.nth(i).getAttribute(name)) ?? ""));
}

/** Returns the screenshot's path. */
export async function checkRacecourseInBrowser(stack: string, nodeCount: number): Promise<string> {
    const { child, url } = await connect(stack);
    const browser = await chromium.launch({ executablePath: CHROMIUM, args: CHROMIUM_ARGS });
    try {
        const page = await browser.newPage({ viewport: { width: 1100, height: 900 } });
        await page.goto(url);
        const heights = () =>
            attributes(page.locator("#nodes tr[data-height]"), "data-height").then((values) => values.map(Number));
        await pollPage(
            `a height for each of the ${nodeCount} nodes on the page`,
            60,
            async () => (await heights()).length === nodeCount,
        );
        const first = await heights();
        const highest = Math.max(...first);
        await pollPage("the page's heights to grow without a reload", 60, async () =>
            (await heights()).some((height) => height > highest),
        );

        await page.click("#send");
        await page.waitForSelector("#transaction-hash", { timeout: 30_000 });
        const mined = page.locator('#receipts tr[data-mined="true"]');
        await pollPage(
            "the transaction sent from the page, mined on every node",
            120,
            async () => (await mined.count()) === nodeCount,
        );
        const receipts = await page.locator("#receipts tr").allTextContents();
        expect(
            receipts.every((text) => /mined in block \d+/.test(text)),
            "the page says in which block each node mined it",
            receipts,
        );

        fs.mkdirSync(ARTIFACTS, { recursive: true });
        const screenshot = path.join(ARTIFACTS, "racecourse.png");
        await page.screenshot({ path: screenshot, fullPage: true });
        return screenshot;
    } finally {
        await browser.close();
        if (child.pid) process.kill(-child.pid, "SIGTERM");
    }
}
