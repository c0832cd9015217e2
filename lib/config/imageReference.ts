// The container image reference grammar (github.com/distribution/reference): what a kubelet, a
// registry and `docker` accept as an image name. Anything else is refused before it reaches a pod
// spec or a script.

const ALPHA_NUMERIC = "[a-z0-9]+";
const SEPARATOR = "(?:[._]|__|-+)";
const PATH_COMPONENT = `${ALPHA_NUMERIC}(?:${SEPARATOR}${ALPHA_NUMERIC})*`;
const DOMAIN_COMPONENT = "(?:[a-zA-Z0-9]|[a-zA-Z0-9][a-zA-Z0-9-]*[a-zA-Z0-9])";
const DOMAIN = `(?:${DOMAIN_COMPONENT}(?:\\.${DOMAIN_COMPONENT})*|\\[[a-fA-F0-9:]+\\])(?::[0-9]+)?`;
const TAG = "[\\w][\\w.-]{0,127}";
const DIGEST = "[A-Za-z][A-Za-z0-9]*(?:[-_+.][A-Za-z][A-Za-z0-9]*)*:[0-9a-fA-F]{32,}";
const REFERENCE = new RegExp(`^(?:${DOMAIN}/)?${PATH_COMPONENT}(?:/${PATH_COMPONENT})*(?::${TAG})?(?:@${DIGEST})?$`);
/** The grammar's limit on the name part. */
const MAX_NAME_LENGTH = 255;

export function isImageReference(text: string): boolean {
    const name = text.split(/[:@]/)[0];
    return REFERENCE.test(text) && name.length <= MAX_NAME_LENGTH;
}

export const IMAGE_REFERENCE_HELP =
    "an image reference such as quorumengineering/quorum:24.4.1 or registry.example.com:5000/team/app@sha256:<digest>";
