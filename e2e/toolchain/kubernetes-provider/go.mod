// pulumi-kubernetes' provider. Its main package embeds generated files that the module zip
// lacks; main.go here is ours, and build.sh copies the schema from the module cache beside it.
module faf-e2e/kubernetes-provider

go 1.26

require github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199

// provider/v4 points sdk/v4 at a directory; its go.mod asks for v4.24.0, whose zip the proxy
// refuses. The provider's packages build against the nearest served tag.
replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.29.0

// sdk/v4 v4.29.0 asks for sdk/v3 v3.226.0, which would lift sdk/v3 past the pkg/v3 v3.215.0 the
// provider was released with (pkg/v3's workspace package then fails to compile against it).
// The provider's own pair, pkg/v3 and sdk/v3 at v3.215.0, is kept.
replace github.com/pulumi/pulumi/sdk/v3 => github.com/pulumi/pulumi/sdk/v3 v3.215.0
