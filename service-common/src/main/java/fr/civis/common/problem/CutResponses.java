package fr.civis.common.problem;

import java.io.IOException;

import jakarta.servlet.ServletException;
import jakarta.servlet.ServletRequest;

import org.apache.catalina.Context;
import org.apache.catalina.connector.Request;
import org.apache.catalina.connector.Response;
import org.apache.catalina.valves.ValveBase;
import org.apache.coyote.ActionCode;
import org.springframework.boot.tomcat.TomcatContextCustomizer;
import org.springframework.stereotype.Component;

/**
 * Ends at once the connection of a response whose body failed after its first bytes had left: a document that fails
 * its integrity check half-way, an export whose storage went away.
 *
 * <p>Such a response can no longer become a problem+json, its status and headers are gone; ended the ordinary way, it
 * would mislead. With a Content-Length, the reader waits for the missing bytes until Tomcat's keep-alive timeout (a
 * minute) before it learns anything; chunked, it receives the last chunk and takes what it got for the whole (an
 * archive short of its last files). Closed without that last chunk and short of the announced length, the transfer
 * is reported as failed by every HTTP client, browsers included, as soon as it happens.
 */
@Component
public class CutResponses implements TomcatContextCustomizer {

    private static final String CUT = CutResponses.class.getName() + ".cut";

    /** Asks for the connection of {@code request} to be closed once the application is done with it. */
    static void cut(ServletRequest request) {
        request.setAttribute(CUT, Boolean.TRUE);
    }

    @Override
    public void customize(Context context) {
        context.getPipeline().addValve(new Valve());
    }

    private static final class Valve extends ValveBase {

        Valve() {
            super(true);
        }

        @Override
        public void invoke(Request request, Response response) throws IOException, ServletException {
            getNext().invoke(request, response);
            if (request.getAttribute(CUT) != null) {
                // Nothing more is written, not even what Tomcat still buffers: the reader gets less than announced.
                response.getCoyoteResponse().action(ActionCode.CLOSE_NOW, null);
            }
        }
    }
}
