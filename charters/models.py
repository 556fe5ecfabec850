# Charter, versions, principles, organisations and signatures arrive with the charters issue.
