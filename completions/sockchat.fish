# fish completion for sockchat: the options of sockcat.

complete -c sockchat -w sockcat
