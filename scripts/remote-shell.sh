# Sourced by the scripts that run a command on the minikube node. `minikube ssh -- WORDS` joins
# its words into one line that the node's shell parses again, so a value with a space, a quote
# or a `;` would become code there. remote_command quotes each word as data for that shell (as
# remoteCommand in lib/minikube/seedTrip.ts does for the seed).

# remote_command WORD...: the words, each in single quotes (a ' inside written '\''), as one line.
remote_command() {
    local line="" word
    for word in "$@"; do
        line+=" '${word//\'/\'\\\'\'}'"
    done
    printf '%s' "${line# }"
}
