// kwok simulates the node that the pods are scheduled on.
module faf-e2e/kwok

go 1.26

tool sigs.k8s.io/kwok/cmd/kwok

require sigs.k8s.io/kwok v0.8.0
