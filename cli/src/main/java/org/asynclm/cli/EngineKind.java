package org.asynclm.cli;

import org.asynclm.runtime.config.ConfigName;

/** {@code --engine}: the teacher policy that knows the DAG, or a Llama checkpoint on DJL. */
enum EngineKind implements ConfigName { TEACHER, LLAMA }
