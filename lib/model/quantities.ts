// Kubernetes CPU and memory quantities, in the forms the config accepts.
export const CPU_QUANTITY = /^(\d+m|\d+(\.\d+)?)$/;
export const MEMORY_QUANTITY = /^\d+(Ki|Mi|Gi)$/;
const MEMORY_UNITS: Record<string, number> = { Ki: 2 ** 10, Mi: 2 ** 20, Gi: 2 ** 30 };

export function cpuMillis(quantity: string): number {
    return quantity.endsWith("m") ? Number(quantity.slice(0, -1)) : Number(quantity) * 1000;
}

export function memoryBytes(quantity: string): number {
    return Number(quantity.slice(0, -2)) * MEMORY_UNITS[quantity.slice(-2)];
}
