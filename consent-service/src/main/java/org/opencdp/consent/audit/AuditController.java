package org.opencdp.consent.audit;

import org.opencdp.consent.ConsentScopes;
import org.opencdp.consent.audit.AuditService.AuditPage;
import org.opencdp.kit.security.Caller;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

/**
 * {@code GET /v1/audit?subject=…&limit=&cursor=} (issue 12): the audit log of one person in the
 * token's workspace, newest first. {@code subject} is an identifier as {@code type:value} (e.g.
 * {@code email:jane@example.com}) or a profile id (no colon). Readable with {@code consent:read},
 * {@code consent:write}, {@code privacy:read} or {@code privacy:write}.
 */
@RestController
class AuditController {

    private final AuditService audit;

    AuditController(AuditService audit) {
        this.audit = audit;
    }

    @GetMapping("/v1/audit")
    AuditPage list(Caller caller, @RequestParam(required = false) String subject,
                   @RequestParam(required = false) String limit, @RequestParam(required = false) String cursor) {
        ConsentScopes.requireAuditRead(caller);
        return audit.page(caller.workspaceId(), subject, limit, cursor);
    }
}
