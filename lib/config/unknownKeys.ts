// A key of the project's namespace that Pulumi.yaml does not declare is a typo: the program would
// never read it, and the key the user meant would silently keep its default.
import { declaredKeys } from "./declared";

/** Single-character insertions, deletions and substitutions between two words, ignoring case. */
export function editDistance(a: string, b: string): number {
    const [from, to] = [a.toLowerCase(), b.toLowerCase()];
    let previous = Array.from({ length: to.length + 1 }, (_, j) => j);
    for (let i = 1; i <= from.length; i++) {
        const row = [i];
        for (let j = 1; j <= to.length; j++)
            row.push(Math.min(previous[j] + 1, row[j - 1] + 1, previous[j - 1] + (from[i - 1] === to[j - 1] ? 0 : 1)));
        previous = row;
    }
    return previous[to.length];
}

/** The candidate closest to `word`; the first of equals, as the candidates are listed. */
export function nearestOf(word: string, candidates: string[]): string | undefined {
    let best: { candidate: string; distance: number } | undefined;
    for (const candidate of candidates) {
        const distance = editDistance(word, candidate);
        if (!best || distance < best.distance) best = { candidate, distance };
    }
    return best?.candidate;
}

/** A problem for each of `keys` (without the project prefix) that Pulumi.yaml does not declare, naming the nearest key it does. */
export function unknownKeyProblems(keys: string[], project = "kaleido-quorum"): string[] {
    const known = Object.keys(declaredKeys());
    return keys
        .filter((key) => !known.includes(key))
        .map(
            (key) =>
                `${key}: no such key (Pulumi.yaml declares the keys of ${project}); did you mean ${nearestOf(key, known)}?`,
        );
}
