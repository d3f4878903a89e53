package dev.postcall.spring;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Import;

/** An application of nothing but Spring Boot's web starter, this starter and the {@link Recorder}'s listeners. */
@SpringBootConfiguration
@EnableAutoConfiguration
@Import(Recorder.class)
class ListenerApp {
}
