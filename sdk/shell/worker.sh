#!/usr/bin/env bash
# A gocluster worker in bash and jq, written from docs/protocol.md alone:
#   gocluster serve -exec 'bash sdk/shell/worker.sh'
# It serves one kind, wordcount. Frames are JSON lines on fd $GOCLUSTER_IPC_FD (3).
set -u
fd=${GOCLUSTER_IPC_FD:-3}
: "${GOCLUSTER_WORKER_ID:?start this program with: gocluster serve -exec \'bash $0\'}"

# hello first: version 2, our id and pid, the kinds we serve.
jq -cn --argjson id "$GOCLUSTER_WORKER_ID" --argjson pid $$ '{t: "hello", v: 2, id: $id, pid: $pid,
  kinds: [{name: "wordcount", doc: "counts words in a string", example: "to be or not"}]}' >&"$fd"

# One frame per line, answered in order. A job's input is user data: anything
# that is not a string fails that job instead of killing the worker.
while IFS= read -r line <&"$fd"; do
	case $(jq -r '.t' <<<"$line") in
	job)
		jq -c '. as $f | {t: "result", job: $f.job} +
			if $f.kind != "wordcount" then {err: "no kind \($f.kind) in this worker"}
			elif ($f.in | type) != "string" then {err: "wordcount needs a string, got \($f.in | type)", err_data: {type: "TypeError"}}
			else {out: ([$f.in | scan("\\S+")] | length)} end' <<<"$line" >&"$fd"
		;;
	disconnect) exit 0 ;; # jobs are run as they are read: none is running now
	exit) exit "$(jq '.code // 1' <<<"$line")" ;;
	esac # msg frames and the rest: nothing to do
done
exit 0 # end of file: the primary is gone
