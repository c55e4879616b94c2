package io.readstates.ownership;

/**
 * A node of the cluster: its stable name, which owners are computed over (set, or the pod's name, so that
 * a node restarted under the same name takes back the same slots), and where its HTTP API listens.
 */
public record Node(String name, String address)
{
}
