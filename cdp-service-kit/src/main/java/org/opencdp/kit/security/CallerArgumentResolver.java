package org.opencdp.kit.security;

import org.opencdp.kit.problem.CdpException;
import org.springframework.core.MethodParameter;
import org.springframework.web.bind.support.WebDataBinderFactory;
import org.springframework.web.context.request.NativeWebRequest;
import org.springframework.web.context.request.RequestAttributes;
import org.springframework.web.method.support.HandlerMethodArgumentResolver;
import org.springframework.web.method.support.ModelAndViewContainer;

/** Lets a controller method declare a {@link Caller} parameter. */
class CallerArgumentResolver implements HandlerMethodArgumentResolver {

    @Override
    public boolean supportsParameter(MethodParameter parameter) {
        return parameter.getParameterType() == Caller.class;
    }

    @Override
    public Object resolveArgument(MethodParameter parameter, ModelAndViewContainer mavContainer,
                                  NativeWebRequest request, WebDataBinderFactory binderFactory) {
        Object caller = request.getAttribute(BearerAuthenticationFilter.CALLER_ATTRIBUTE,
                RequestAttributes.SCOPE_REQUEST);
        if (caller == null) {
            throw CdpException.unauthorized("missing_token",
                    "This endpoint needs an 'Authorization: Bearer <token>' header.");
        }
        return caller;
    }
}
