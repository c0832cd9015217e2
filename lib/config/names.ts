// Names as the systems that read them define them: Kubernetes object names (DNS-1123, as
// k8s.io/apimachinery's IsDNS1123Label and IsDNS1123Subdomain check them), minikube profile names
// and kubeconfig context names. Each check returns why a name is refused, or undefined.

const DNS_LABEL = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?$/;
const DNS_SUBDOMAIN = /^[a-z0-9]([-a-z0-9]*[a-z0-9])?(\.[a-z0-9]([-a-z0-9]*[a-z0-9])?)*$/;
const LABEL_MAX = 63;
const SUBDOMAIN_MAX = 253;

function isDnsLabel(name: string): boolean {
    return name.length <= LABEL_MAX && DNS_LABEL.test(name);
}

function isDnsSubdomain(name: string): boolean {
    return name.length <= SUBDOMAIN_MAX && DNS_SUBDOMAIN.test(name);
}

/** Shown in full only for short names: a refused name of 300 characters is named by its start. */
function quoted(name: string): string {
    return JSON.stringify(name.length > 80 ? `${name.slice(0, 60)}…` : name);
}

/** Refuses what Kubernetes would: `what` says which object's name it is, `example` a good one. */
export function dnsSubdomain(what: string, example: string, emptyMeans?: string): (name: string) => string | undefined {
    const empty = emptyMeans ? `, or empty for ${emptyMeans}` : "";
    const rule = `lower-case letters a-z, digits, '-' and '.', starting and ending with a letter or digit, at most ${SUBDOMAIN_MAX} characters`;
    return (name) =>
        isDnsSubdomain(name)
            ? undefined
            : `${quoted(name)} must be ${what} (a DNS-1123 subdomain: ${rule}), such as ${example}${empty}`;
}

export function dnsLabel(what: string, example: string): (name: string) => string | undefined {
    const rule = `lower-case letters a-z, digits and '-', starting and ending with a letter or digit, at most ${LABEL_MAX} characters`;
    return (name) =>
        isDnsLabel(name) ? undefined : `${quoted(name)} must be ${what} (a DNS label: ${rule}), such as ${example}`;
}

/** minikube's subcommands, which it refuses as profile names (pkg/minikube/config/profile.go, keywords). */
const MINIKUBE_RESERVED = ["start", "stop", "status", "delete", "config", "open", "profile", "addons", "cache", "logs"];

/**
 * minikube's own rule (pkg/minikube/config/profile.go, ProfileNameValid: dot-separated labels of
 * letters, digits and inner '-', at least 2 characters, for docker's volume names), in lower case:
 * the node takes the profile's name, and Kubernetes node names are lower-case DNS subdomains.
 */
export function minikubeProfileProblem(name: string): string | undefined {
    if (MINIKUBE_RESERVED.includes(name.toLowerCase())) {
        return `${quoted(name)} is one of minikube's commands (${MINIKUBE_RESERVED.join(", ")}); minikube refuses it as a profile name`;
    }
    if (name.length >= 2 && name.length <= SUBDOMAIN_MAX && name.split(".").every(isDnsLabel)) return undefined;
    const rule = `2 to ${SUBDOMAIN_MAX} lower-case letters a-z, digits, '-' and '.', each '.'-separated part starting and ending with a letter or digit`;
    return `${quoted(name)} must be a minikube profile name: ${rule}, such as minikube`;
}

/** kubeconfig context names are free text (a map key in the kubeconfig), but one printable line of reasonable length. */
export function kubeContextProblem(name: string): string | undefined {
    if (name === "")
        return "must not be empty: the name of a context in your kubeconfig (kubectl config get-contexts), such as minikube";
    if (name.length > SUBDOMAIN_MAX)
        return `${quoted(name)} is ${name.length} characters long; a kubeconfig context name here has at most ${SUBDOMAIN_MAX}`;
    return undefined;
}
