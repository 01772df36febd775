/** One Low Balance Profile: create or edit (to be built). */
export function ProfileScreen({ id }: { id: number | 'new' }) {
  return (
    <section className="screen">
      <h1>{id === 'new' ? 'New profile' : `Profile #${id}`}</h1>
    </section>
  );
}
