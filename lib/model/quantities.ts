// Kubernetes resource quantities (k8s.io/apimachinery's resource.Quantity: a decimal number and a
// binary or decimal suffix), in one grammar for every reader: the config's CPU and memory requests
// and limits and its volume size, and the node's allocatable CPU and memory as kubectl prints them.
// Exponent forms (1e3) and signs are refused: no one writes them for a container.

export type QuantityKind = "cpu" | "memory";

const QUANTITY = /^(\d+(?:\.\d+)?)(m|k|M|G|T|P|E|Ki|Mi|Gi|Ti|Pi|Ei)?$/;
const SCALE: Record<string, number> = {
    "": 1,
    m: 1e-3,
    k: 1e3,
    M: 1e6,
    G: 1e9,
    T: 1e12,
    P: 1e15,
    E: 1e18,
    Ki: 2 ** 10,
    Mi: 2 ** 20,
    Gi: 2 ** 30,
    Ti: 2 ** 40,
    Pi: 2 ** 50,
    Ei: 2 ** 60,
};
/** CPU in cores or millicores; memory and storage in bytes, never millibytes ("1m" of memory is a typo for 1M or 1Mi). */
const SUFFIXES: Record<QuantityKind, string[]> = {
    cpu: ["", "m"],
    memory: ["", "k", "M", "G", "T", "P", "E", "Ki", "Mi", "Gi", "Ti", "Pi", "Ei"],
};
/** What a container or a member's volume can sensibly ask for; beyond is a typo, and beyond 2^53 the sums lose precision. */
const MAXIMUM: Record<QuantityKind, { value: number; text: string }> = {
    cpu: { value: 1000 * 1000, text: "1000 cores" },
    memory: { value: 2 ** 50, text: "1Pi" },
};
/** What a config quantity of each kind may be, for the problems that refuse one. */
export const QUANTITY_RULE: Record<QuantityKind, string> = {
    cpu: `a CPU quantity above zero and at most ${MAXIMUM.cpu.text}, such as 250m, 1 or 1.5`,
    memory: `a memory quantity above zero and at most ${MAXIMUM.memory.text}, such as 512Mi, 1Gi or 1G`,
};

/** Millicores (cpu) or bytes (memory), or undefined when the text is not a quantity of that kind. */
export function quantityValue(text: string, kind: QuantityKind): number | undefined {
    const match = QUANTITY.exec(text);
    if (!match || !SUFFIXES[kind].includes(match[2] ?? "")) return undefined;
    const value = Number(match[1]) * SCALE[match[2] ?? ""];
    return kind === "cpu" ? value * 1000 : value;
}

/** Why a config quantity is refused (not one, zero, too large), or undefined when it is fine. */
export function quantityProblem(text: string, kind: QuantityKind): string | undefined {
    const value = quantityValue(text, kind);
    if (value === undefined) return `is not a ${kind === "cpu" ? "CPU" : "memory"} quantity`;
    if (value <= 0) return "must be above zero";
    if (value > MAXIMUM[kind].value) return `must be at most ${MAXIMUM[kind].text}`;
    return undefined;
}

function quantityNumber(text: string, kind: QuantityKind): number {
    const value = quantityValue(text, kind);
    if (value === undefined) throw new Error(`not a ${kind === "cpu" ? "CPU" : "memory"} quantity: ${text}`);
    return value;
}

/** A CPU quantity ("250m", "1", "1.5") in millicores; throws on anything else. */
export function cpuMillis(quantity: string): number {
    return quantityNumber(quantity, "cpu");
}

/** A memory quantity ("512Mi", "1G", "8222920704") in bytes; throws on anything else. */
export function memoryBytes(quantity: string): number {
    return quantityNumber(quantity, "memory");
}
