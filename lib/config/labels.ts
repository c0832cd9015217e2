// Kubernetes label keys and values as the API server accepts them, and "key=value[,...]" lists of them.

const LABEL_KEY =
    /^([a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*\/)?[A-Za-z0-9]([-A-Za-z0-9_.]{0,61}[A-Za-z0-9])?$/;
const LABEL_VALUE = /^(([A-Za-z0-9][-A-Za-z0-9_.]{0,61})?[A-Za-z0-9])?$/;

/** "key=value[,key=value]" as labels; undefined unless every pair is a valid label. */
export function parseLabels(text: string): Record<string, string> | undefined {
    const pairs = text.split(",").map((pair) => /^([^=]+)=(.*)$/.exec(pair));
    if (pairs.some((pair) => !pair || !LABEL_KEY.test(pair[1]) || !LABEL_VALUE.test(pair[2]))) return undefined;
    return Object.fromEntries(pairs.map((pair) => [pair![1], pair![2]]));
}
