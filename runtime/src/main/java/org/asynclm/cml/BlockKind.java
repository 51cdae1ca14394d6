package org.asynclm.cml;

public enum BlockKind {
    CALL,
    INTERRUPT,
    TRAP
}
