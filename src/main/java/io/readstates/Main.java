package io.readstates;
public final class Main { public static void main(String[] a) {} }
