/**
 * The transport between shardkv processes: TCP connections with a handshake, length-prefixed
 * frames, one-way messages and correlated requests, built on Netty.
 *
 * <p>Public API: {@link io.shardkv.rpc.Transport} (entry point), {@link io.shardkv.rpc.TransportConfig},
 * {@link io.shardkv.rpc.RpcServer} with its {@link io.shardkv.rpc.RpcHandler},
 * {@link io.shardkv.rpc.PeerConnection}, {@link io.shardkv.rpc.EventLoops}, and the failures a
 * request can end with. Everything else here is the Netty pipeline, package-private:
 *
 * <ul>
 *   <li>wire format: {@code Frame}, {@code FrameKind}, {@code Hello}, {@code Frames} (encoding);</li>
 *   <li>inbound handlers, in pipeline order: {@code FrameDecoder}, {@code AcceptorHandshake} /
 *       {@code ConnectorHandshake}, {@code ServerDispatcher} / {@code ResponseDispatcher},
 *       {@code ConnectionGuard}; assembled by {@code ServerPipeline} / {@code ClientPipeline};</li>
 *   <li>outbound state of a peer connection: {@code OutboundQueue}, {@code PendingRequests},
 *       {@code Backoff}.</li>
 * </ul>
 *
 * Serialization lives in {@link io.shardkv.rpc.codec}.
 */
package io.shardkv.rpc;
