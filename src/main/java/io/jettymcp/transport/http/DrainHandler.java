package io.jettymcp.transport.http;

import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;

import java.util.function.BooleanSupplier;

/**
 * One connection's part in a drain, in its pipeline right after Reactor Netty's keep-alive handler: knows whether a
 * request is on the connection (from its head in to its answer's end out), and once the listener is closed marks
 * every answer {@code Connection: close}, which makes that handler close the connection after it. Touched on the
 * connection's event loop only.
 */
final class DrainHandler extends ChannelDuplexHandler {

    static final String NAME = "jetty-mcp.drain";

    private final BooleanSupplier closeAfterAnswers;
    private boolean busy;

    DrainHandler(BooleanSupplier closeAfterAnswers) {
        this.closeAfterAnswers = closeAfterAnswers;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) throws Exception {
        if (msg instanceof HttpRequest) {
            busy = true;
        }
        ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) throws Exception {
        if (msg instanceof HttpResponse r && closeAfterAnswers.getAsBoolean()) {
            HttpUtil.setKeepAlive(r, false);
        }
        if (msg instanceof LastHttpContent) {
            promise = promise.unvoid();
            promise.addListener(f -> busy = false);
        }
        ctx.write(msg, promise);
    }

    /**
     * Closes {@code ch} if no request is on it, from its event loop (where requests are read, so none can start
     * half-way). A request still in the kernel's buffer is lost with the connection: the window this cannot close.
     */
    static void closeIfIdle(Channel ch) {
        ch.eventLoop().execute(() -> {
            DrainHandler h = ch.pipeline().get(DrainHandler.class);
            if (h == null || !h.busy) {
                ch.close();
            }
        });
    }
}
