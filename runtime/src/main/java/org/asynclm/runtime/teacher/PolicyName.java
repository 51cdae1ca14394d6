package org.asynclm.runtime.teacher;

import org.asynclm.runtime.config.ConfigName;

/** The teacher's policies by the names configs and options give them; see {@link Policy#create}. */
public enum PolicyName implements ConfigName { LPT, CRITICAL_PATH, RANDOM }
