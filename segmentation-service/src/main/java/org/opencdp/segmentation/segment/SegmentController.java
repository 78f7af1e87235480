package org.opencdp.segmentation.segment;

import jakarta.validation.Valid;
import jakarta.validation.constraints.Max;
import jakarta.validation.constraints.Min;
import org.opencdp.kit.security.Caller;
import org.opencdp.kit.security.Scopes;
import org.springframework.http.HttpStatus;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

/** The Segments API (DESIGN §5). Reads need {@code segments:read} (or {@code segments:write}); changes {@code segments:write}. */
@RestController
class SegmentController {

    static final String READ = Scopes.SEGMENTS_READ;
    static final String WRITE = Scopes.SEGMENTS_WRITE;

    private final SegmentService segments;

    SegmentController(SegmentService segments) {
        this.segments = segments;
    }

    @PostMapping("/v1/segments")
    @ResponseStatus(HttpStatus.CREATED)
    SegmentResponse create(Caller caller, @Valid @RequestBody SegmentRequest request) {
        caller.require(WRITE);
        return segments.create(caller.workspaceId(), request);
    }

    @GetMapping("/v1/segments")
    SegmentResponse.Page list(Caller caller) {
        return new SegmentResponse.Page(segments.list(reader(caller).workspaceId()));
    }

    @GetMapping("/v1/segments/{id}")
    SegmentResponse get(Caller caller, @PathVariable String id) {
        return segments.get(reader(caller).workspaceId(), id);
    }

    @PutMapping("/v1/segments/{id}")
    SegmentResponse update(Caller caller, @PathVariable String id, @Valid @RequestBody SegmentRequest request) {
        caller.require(WRITE);
        return segments.update(caller.workspaceId(), id, request);
    }

    @DeleteMapping("/v1/segments/{id}")
    @ResponseStatus(HttpStatus.NO_CONTENT)
    void delete(Caller caller, @PathVariable String id) {
        caller.require(WRITE);
        segments.delete(caller.workspaceId(), id);
    }

    @PostMapping("/v1/segments/preview")
    PreviewResponse preview(Caller caller, @Valid @RequestBody PreviewRequest request) {
        return segments.preview(reader(caller).workspaceId(), request.condition());
    }

    @GetMapping("/v1/segments/{id}/members")
    MembersResponse members(Caller caller, @PathVariable String id,
                            @RequestParam(defaultValue = "100") @Min(1) @Max(1000) int limit,
                            @RequestParam(required = false) String cursor) {
        return segments.members(reader(caller).workspaceId(), id, limit, cursor);
    }

    @GetMapping("/v1/profiles/{id}/segments")
    ProfileSegmentsResponse profileSegments(Caller caller, @PathVariable String id) {
        return segments.profileSegments(reader(caller).workspaceId(), id);
    }

    private static Caller reader(Caller caller) {
        return caller.scopes().contains(WRITE) ? caller : caller.require(READ);
    }
}
