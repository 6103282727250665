// The Pulumi CLI at the release our @pulumi/pulumi asks for. pkg/v3's own go.mod points sdk/v3
// at a sibling directory, which a dependency's replace cannot do: we pin sdk/v3 to the same tag.
module faf-e2e/pulumi

go 1.26

tool github.com/pulumi/pulumi/pkg/v3/cmd/pulumi

require (
	github.com/pulumi/pulumi/pkg/v3 v3.248.0
	github.com/pulumi/pulumi/sdk/v3 v3.248.0
)

replace github.com/atotto/clipboard => github.com/tgummerer/clipboard v0.0.0-20241001131231-d02d263e614e
