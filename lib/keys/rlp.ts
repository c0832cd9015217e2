// Recursive Length Prefix, Ethereum's serialisation (yellow paper, appendix B): just enough to write
// and read an Istanbul genesis extraData, which is RLP of byte strings and lists.
export type RlpItem = Uint8Array | RlpItem[];

export function rlpEncode(item: RlpItem): Uint8Array {
    if (item instanceof Uint8Array) {
        if (item.length === 1 && item[0] < 0x80) return item;
        return concat([lengthPrefix(item.length, 0x80), item]);
    }
    const payload = concat(item.map(rlpEncode));
    return concat([lengthPrefix(payload.length, 0xc0), payload]);
}

/** Decodes one item that must span all of `bytes`; throws on anything malformed. */
export function rlpDecode(bytes: Uint8Array): RlpItem {
    const [item, end] = decodeAt(bytes, 0);
    if (end !== bytes.length) throw new Error(`RLP: ${bytes.length - end} bytes after the item`);
    return item;
}

function lengthPrefix(length: number, offset: number): Uint8Array {
    if (length < 56) return Uint8Array.of(offset + length);
    const lengthBytes = bigEndian(length);
    return Uint8Array.of(offset + 55 + lengthBytes.length, ...lengthBytes);
}

function bigEndian(value: number): number[] {
    const bytes: number[] = [];
    for (let rest = value; rest > 0; rest = Math.floor(rest / 256)) bytes.unshift(rest % 256);
    return bytes;
}

function concat(parts: Uint8Array[]): Uint8Array {
    return Uint8Array.from(Buffer.concat(parts));
}

/** Returns the item starting at `start` and the offset just past it. */
function decodeAt(bytes: Uint8Array, start: number): [RlpItem, number] {
    if (start >= bytes.length) throw new Error("RLP: input ends before the item");
    const prefix = bytes[start];
    if (prefix < 0x80) return [bytes.slice(start, start + 1), start + 1];
    const isList = prefix >= 0xc0;
    const shortForm = prefix - (isList ? 0xc0 : 0x80);
    let length = shortForm;
    let headerEnd = start + 1;
    if (shortForm > 55) {
        const lengthSize = shortForm - 55;
        length = 0;
        for (const byte of bytes.slice(headerEnd, headerEnd + lengthSize)) length = length * 256 + byte;
        headerEnd += lengthSize;
    }
    const end = headerEnd + length;
    if (end > bytes.length) throw new Error("RLP: item longer than the input");
    if (!isList) return [bytes.slice(headerEnd, end), end];
    const items: RlpItem[] = [];
    for (let offset = headerEnd; offset < end; ) {
        const [child, next] = decodeAt(bytes, offset);
        if (next > end) throw new Error("RLP: list item runs past its list");
        items.push(child);
        offset = next;
    }
    return [items, end];
}
