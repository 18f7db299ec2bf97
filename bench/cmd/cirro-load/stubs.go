package main

func cmdMultinode(args []string) error { return nil }
func cmdCrash(args []string) error     { return nil }
func cmdPGRestart(args []string) error { return nil }
func cmdSoak(args []string) error      { return nil }
