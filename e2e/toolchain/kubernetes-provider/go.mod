// pulumi-kubernetes' provider. Its main package embeds generated files that the module zip
// lacks; main.go here is ours, and build.sh copies the schema from the module cache beside it.
module faf-e2e/kubernetes-provider

go 1.26

require github.com/pulumi/pulumi-kubernetes/provider/v4 v4.0.0-20260115033456-f47bc2d6f199

// provider/v4 points sdk/v4 at a directory; its go.mod asks for v4.24.0, whose zip the proxy
// refuses. The provider's packages build against the nearest served tag.
replace github.com/pulumi/pulumi-kubernetes/sdk/v4 => github.com/pulumi/pulumi-kubernetes/sdk/v4 v4.29.0
