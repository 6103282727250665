// etcd, for the throwaway cluster's store. Its siblings are replaced by directory in its own
// go.mod; here they come from the proxy at the same tag.
module faf-e2e/etcd

go 1.26

require (
	go.etcd.io/etcd/api/v3 v3.6.16
	go.etcd.io/etcd/client/pkg/v3 v3.6.16
	go.etcd.io/etcd/client/v3 v3.6.16
	go.etcd.io/etcd/pkg/v3 v3.6.16
	go.etcd.io/etcd/server/v3 v3.6.16
)
