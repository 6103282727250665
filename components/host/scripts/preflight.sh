# Preflight: is this a NixOS machine with a healthy pool and the commands the steps use?
# Reads only. Every mutating step runs the same checks again before it changes anything.
require_host
log "preflight ok: NixOS, pool $FAF_POOL ONLINE, all commands present"
