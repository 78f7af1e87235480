package org.opencdp.ingestion.tracking;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.Arrays;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.springframework.web.bind.annotation.PostMapping;

class TrackingPathsTest {

    @Test
    void shouldMapEveryTrackingPathWithAndWithoutTrailingSlash() {
        List<String> mapped = Arrays.stream(TrackingController.class.getDeclaredMethods())
                .filter(method -> method.isAnnotationPresent(PostMapping.class))
                .flatMap(method -> Arrays.stream(method.getAnnotation(PostMapping.class).value()))
                .toList();

        assertThat(mapped).containsExactlyInAnyOrderElementsOf(TrackingPaths.ALL);
        assertThat(TrackingPaths.ALL).contains("/v1/import/", "/v1/b", "/v1/identify");
    }
}
