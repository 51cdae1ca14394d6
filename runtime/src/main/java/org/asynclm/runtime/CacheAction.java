package org.asynclm.runtime;

public enum CacheAction { KEEP, DROP, SWAP }
