package fr.civis.vault.web;

import java.io.IOException;
import java.util.List;

import org.springframework.http.HttpInputMessage;
import org.springframework.http.HttpOutputMessage;
import org.springframework.http.MediaType;
import org.springframework.http.converter.HttpMessageConverter;
import org.springframework.http.converter.HttpMessageNotReadableException;
import org.springframework.stereotype.Component;

/**
 * Writes a {@link WrittenBody} synchronously, with the content type its {@code ResponseEntity} set.
 *
 * <p>Why not Spring's {@code StreamingResponseBody}: it writes from another task under the servlet's asynchronous
 * mode, whose timeout (Tomcat's 30 s by default) cut any download or export still going after half a minute, bytes
 * flowing or not: a 10 MB document to a phone at 2 Mbit/s. Its end also dispatches the request a second time through
 * the filters and the dispatcher servlet. Requests run on virtual threads,
 * so a blocking write costs no platform thread; a reader that stops taking bytes is cut by Tomcat's write timeout.
 */
@Component
class WrittenBodyConverter implements HttpMessageConverter<WrittenBody> {

    @Override
    public boolean canRead(Class<?> type, MediaType mediaType) {
        return false;
    }

    @Override
    public boolean canWrite(Class<?> type, MediaType mediaType) {
        return WrittenBody.class.isAssignableFrom(type);
    }

    @Override
    public List<MediaType> getSupportedMediaTypes() {
        return List.of(MediaType.ALL);
    }

    @Override
    public WrittenBody read(Class<? extends WrittenBody> type, HttpInputMessage input) {
        throw new HttpMessageNotReadableException("A written body is never read", input);
    }

    @Override
    public void write(WrittenBody body, MediaType contentType, HttpOutputMessage output) throws IOException {
        if (output.getHeaders().getContentType() == null && contentType != null && contentType.isConcrete()) {
            output.getHeaders().setContentType(contentType);
        }
        body.writeTo(output.getBody());
    }
}
