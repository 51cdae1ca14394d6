package org.asynclm.cli;

import org.asynclm.runtime.config.ConfigName;

/**
 * {@code --engine}: the teacher policy that knows the DAG, a Llama checkpoint on DJL, or a model behind an
 * OpenAI-compatible server ({@code --base-url}).
 */
enum EngineKind implements ConfigName { TEACHER, LLAMA, OPENAI }
