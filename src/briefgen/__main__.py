from briefgen.entry import main

main()
