#!/bin/sh
# Example allow-listed remediation script for Foresight (alerting.remediation.scriptDir).
# Foresight runs it without a shell: parameters arrive as argv entries and FORESIGHT_PARAM_* env vars,
# already validated against the action's patterns. Replace the echo with your orchestrator's restart call
# (e.g. `systemctl restart "demo-$service"` or `kubectl rollout restart deploy/"$service"`).
set -eu
service=""
while [ $# -gt 0 ]; do
  case "$1" in
    --service) service="$2"; shift 2 ;;
    *) echo "unknown argument: $1" >&2; exit 2 ;;
  esac
done
[ -n "$service" ] || { echo "usage: restart-service.sh --service NAME" >&2; exit 2; }
echo "restart requested for service=$service (alert ${FORESIGHT_ALERTNAME:-?}, action ${FORESIGHT_ACTION:-?})"
