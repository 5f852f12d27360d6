// Scenario instruments for instants no event marks: `afterReceive` wraps a role's node
// factory so a callback runs right after the real node has handled each message (the
// gate's view at the moment it answers a registration, before anything else arrives).
// The node itself is unchanged; the callback only reads its view.

import type { NodeFactory } from "../../sim/index.js";
import type { ClusterMessage, NodeId } from "../../nodes/messages.js";

export function afterReceive<N>(
  factory: NodeFactory<ClusterMessage>,
  after: (node: N, from: NodeId, msg: ClusterMessage) => void,
): NodeFactory<ClusterMessage> {
  return (env) => {
    const node = factory(env);
    const receive = node.receive.bind(node);
    node.receive = (from, msg) => {
      receive(from, msg);
      after(node as N, from, msg);
    };
    return node;
  };
}
