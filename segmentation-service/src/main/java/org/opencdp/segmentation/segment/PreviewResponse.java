package org.opencdp.segmentation.segment;

import java.util.List;

/** How many profiles match a condition now, and up to {@value #SAMPLE_SIZE} of their ids (lowest ids first). */
record PreviewResponse(long size, List<String> sample) {

    static final int SAMPLE_SIZE = 10;
}
