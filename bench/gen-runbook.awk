# gen-runbook.awk: a large, valid runbook for the load/plan benchmark.
#   awk -v procs=5000 -v steps=10 -f bench/gen-runbook.awk > big.yaml
# Every procedure has steps with ${vars}, half run on a many-host role,
# every tenth has a `when`, and each requires the previous one plus one
# earlier procedure, so the planner has a real graph to order.
BEGIN {
	if (procs == 0) procs = 5000
	if (steps == 0) steps = 10
	srand(42)
	print "id: bench-large"
	print "title: Generated runbook for the load and plan benchmark"
	print "source: generated"
	print "summary: " procs " procedures of " steps " steps each."
	print "vars:"
	print "  - { name: imp_fqdn, prompt: IM and Presence FQDN, type: fqdn, default: imp1.example.com }"
	print "  - { name: peer_auth_port, prompt: Peer auth port, type: port, default: 5062 }"
	print "  - { name: transport, prompt: Transport, type: choice, choices: [tcp, tls], default: tls }"
	print "  - { name: sip_domain, prompt: SIP domain, type: fqdn, default: example.com }"
	print "roles:"
	print "  - { id: lync_fe, title: Lync front-end server, profile: windows, many: true }"
	print "  - { id: imp, title: IM and Presence node, profile: cisco-vos, many: true }"
	print "procedures:"
	for (p = 1; p <= procs; p++) {
		print "  - id: proc-" p
		print "    title: Procedure number " p
		if (p % 2 == 0)
			print "    on: lync_fe"
		else if (p % 3 == 0)
			print "    on: imp"
		if (p > 2)
			print "    requires: [proc-" (p - 1) ", proc-" int(1 + rand() * (p - 2)) "]"
		else if (p == 2)
			print "    requires: [proc-1]"
		if (p % 10 == 0)
			print "    when: transport == \"tls\""
		print "    intro: Complete the following procedure on ${sip_domain}."
		print "    steps:"
		for (s = 1; s <= steps; s++) {
			print "      - do: Step " s " of procedure " p ", select the route to ${imp_fqdn}."
			if (s % 3 == 0)
				print "        command: New-CsStaticRoute -TLSRoute -Destination ${imp_fqdn} -Port ${peer_auth_port} -MatchUri *.${sip_domain}"
			if (s == steps && p % 2 == 0) {
				print "        check:"
				print "          ssh:"
				print "            command: Get-CsStaticRoutingConfiguration"
				print "            regex: 'Port\\s*:\\s*${peer_auth_port}'"
			}
		}
	}
}
