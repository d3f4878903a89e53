package dev.postcall.servlet;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStream;
import java.io.InputStreamReader;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;

import jakarta.servlet.AsyncContext;
import jakarta.servlet.AsyncEvent;
import jakarta.servlet.AsyncListener;
import jakarta.servlet.ReadListener;
import jakarta.servlet.ServletInputStream;
import jakarta.servlet.ServletRequest;
import jakarta.servlet.ServletResponse;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletRequestWrapper;

import dev.postcall.internal.body.HeldBody;

/**
 * The request handed on by the filter: its body is the verified bytes, already read from the client. When the
 * application goes asynchronous, the request's hold on the body ends when the asynchronous request ends instead of
 * when the filter returns.
 */
final class VerifiedRequest extends HttpServletRequestWrapper {
    private final HeldBody body;
    private final ServletResponse response;
    private BodyStream stream;
    private BufferedReader reader;
    private volatile boolean asyncStarted;

    VerifiedRequest(HttpServletRequest request, ServletResponse response, HeldBody body) {
        super(request);
        this.response = response;
        this.body = body;
    }

    /** Whether {@link #startAsync} handed the release of the body to the asynchronous request's end. */
    boolean releasesBodyLater() {
        return asyncStarted;
    }

    /**
     * Starts asynchronous processing with this request, not the original one, as {@code AsyncContext.getRequest()}:
     * the original's body has been read already and only this one still has it.
     */
    @Override
    public AsyncContext startAsync() {
        return releaseOnEnd(super.startAsync(this, response));
    }

    @Override
    public AsyncContext startAsync(ServletRequest request, ServletResponse response) {
        return releaseOnEnd(super.startAsync(request, response));
    }

    private AsyncContext releaseOnEnd(AsyncContext context) {
        if (!asyncStarted) {
            // registered as async starts, so the end can never be missed, however fast it comes
            context.addListener(new Release(body));
            asyncStarted = true;
        }
        return context;
    }

    @Override
    public ServletInputStream getInputStream() throws IOException {
        if (reader != null) {
            throw new IllegalStateException("getReader() has already been called for this request");
        }
        if (stream == null) {
            stream = new BodyStream(body.openStream());
        }
        return stream;
    }

    @Override
    public BufferedReader getReader() throws IOException {
        if (stream != null) {
            throw new IllegalStateException("getInputStream() has already been called for this request");
        }
        if (reader == null) {
            reader = new BufferedReader(new InputStreamReader(body.openStream(), charset()));
        }
        return reader;
    }

    @Override
    public int getContentLength() {
        return body.length() > Integer.MAX_VALUE ? -1 : (int) body.length();
    }

    @Override
    public long getContentLengthLong() {
        return body.length();
    }

    private Charset charset() {
        String name = getCharacterEncoding();
        if (name == null) {
            return StandardCharsets.UTF_8; // JSON's own encoding (RFC 8259)
        }
        try {
            return Charset.forName(name);
        } catch (IllegalArgumentException e) { // unsupported or illegal name
            return StandardCharsets.UTF_8;
        }
    }

    /** Blocking and non-blocking reads over bytes that are all there already. */
    private static final class BodyStream extends ServletInputStream {
        private final InputStream in;
        private boolean finished;

        BodyStream(InputStream in) {
            this.in = in;
        }

        @Override
        public int read() throws IOException {
            int b = in.read();
            finished = b < 0;
            return b;
        }

        @Override
        public int read(byte[] b, int off, int len) throws IOException {
            int n = in.read(b, off, len);
            if (n < 0) {
                finished = true;
            }
            return n;
        }

        @Override
        public int available() throws IOException {
            return in.available();
        }

        @Override
        public boolean isFinished() {
            return finished;
        }

        @Override
        public boolean isReady() {
            return true;
        }

        @Override
        public void setReadListener(ReadListener listener) {
            try {
                listener.onDataAvailable();
                listener.onAllDataRead();
            } catch (IOException e) {
                listener.onError(e);
            }
        }

        @Override
        public void close() throws IOException {
            in.close();
        }
    }

    /** Ends the request's hold on the body once an asynchronous request is over. */
    private static final class Release implements AsyncListener {
        private final HeldBody body;

        Release(HeldBody body) {
            this.body = body;
        }

        @Override
        public void onComplete(AsyncEvent event) {
            body.release();
        }

        @Override
        public void onTimeout(AsyncEvent event) {
            body.release();
        }

        @Override
        public void onError(AsyncEvent event) {
            body.release();
        }

        @Override
        public void onStartAsync(AsyncEvent event) {
            // startAsync again on the same request drops listeners; keep this one
            event.getAsyncContext().addListener(this);
        }
    }
}
