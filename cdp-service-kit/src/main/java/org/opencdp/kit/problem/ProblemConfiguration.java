package org.opencdp.kit.problem;

import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/** Problem details for every error, from controllers and from the container alike. */
@Configuration(proxyBeanMethods = false)
@Import({ProblemDetailsAdvice.class, ProblemErrorController.class})
public class ProblemConfiguration {
}
